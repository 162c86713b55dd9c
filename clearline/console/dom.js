// Small helpers to build the console's elements.

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function button(label, onClick, testId) {
  const node = element("button", null, label);
  node.type = "button";
  if (testId) node.dataset.testid = testId;
  node.addEventListener("click", onClick);
  return node;
}
