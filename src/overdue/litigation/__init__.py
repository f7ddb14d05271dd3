"""Batch litigation: select accounts, compute lawful claims, assemble filing packages per court."""
