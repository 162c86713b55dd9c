"""Paging: an escalation reaches the person it names on the party's own paging system.

A party registers its webhook (``webhooks``); every escalation becomes a page, posted to it
signed, outside the writer, and retried with backoff (``pages`` keeps the record, ``delivery``
builds, signs and posts)."""
