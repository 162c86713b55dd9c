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

/**
 * `load` run one at a time: asked again while it runs, it runs once more when it ends, so a
 * burst of events costs two loads and the last one sees everything.
 */
export function coalesced(load) {
  let running = null;
  let again = false;
  const run = async () => {
    if (running) {
      again = true;
      return running;
    }
    running = load().finally(() => (running = null));
    await running;
    if (again) {
      again = false;
      await run();
    }
  };
  return run;
}
