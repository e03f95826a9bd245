"""The forms of the server-rendered pages, one module per page group.

They call the services and never repeat their rules.
"""
