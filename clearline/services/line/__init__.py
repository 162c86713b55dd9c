"""The hotline itself: messages with acknowledgement (``hotline``), sending them and what follows
(``sending``), deadlines and escalation (``deadlines``), the hourly line checks
(``line_checks``), rendering in each reader's language (``rendering``) and the figures a
mediator reads (``figures``)."""
