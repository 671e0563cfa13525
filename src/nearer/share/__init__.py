"""The shared session: two partners, two terminals, one ritual, over a private Unix socket.

protocol.py (JSON lines), auth.py (directories, codes, peer uids), server.py (the host's seat
for the guest), client.py (the guest's link). Nothing here imports Textual or the journal.
"""
