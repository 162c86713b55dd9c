"""The TAK gateway: a party's TAK server or client connects over TLS with a certificate the
line issued, sends its tracks as Cursor on Target and receives the shared picture as CoT."""
