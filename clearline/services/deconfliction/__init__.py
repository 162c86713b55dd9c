"""Strategic deconfliction, before anything flies: notices of planned activity (``notices``),
zones and declared positions (``zones``), the conflict engine that screens them (``engine``),
a conflict's life (``conflicts``), what-if planning (``planning``) and the bounds on where and
when input may be (``bounds``)."""
