"""Who may use the line: a party's people (``accounts``), the tokens they sign in with
(``tokens``), and the brake on guessing a password (``throttle``)."""
