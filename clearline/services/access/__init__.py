"""Who may use the line: a party's people (``accounts``), the tokens they sign in with
(``tokens``), the brake on guessing a password (``throttle``) and the second factor that
backs it (``second_factor``)."""
