"""The hotline itself: messages with acknowledgement (``messages``), who may see what of them
(``visibility``), the lines and their suspension (``lines``), sending with what follows
(``sending``), deadlines and escalation (``deadlines``), the hourly line checks
(``line_checks``), the pending queue a duty officer works through (``pending``), rendering in
each reader's language (``rendering``) and the figures a mediator reads (``figures``)."""
