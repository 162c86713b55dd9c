"""A running node: the state it keeps beside the store (``node``: the conflict index, the live
pictures, the single writer, the claim on its database) and the event bus that hands commits to
the streams (``bus``)."""
