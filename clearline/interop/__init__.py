"""Speaking the formats forces already use: Cursor on Target for TAK (``tak/``) and the
MIL-STD-2525 symbols its types carry (``symbols``). Above the runtime, which it drives as any
client of the line does, and below the API and the CLI, which start it."""
