"""Protocol-exact simulators of payment gateways and carriers.

They speak real HTTP, so adapters are tested over a socket exactly as in
production, and the demo shop can take a "payment" with no network. Each
simulator is a plain WSGI application in its own module, registered in
``kedai.sandbox.server.SIMULATORS`` under a path prefix; one process serves
them all (``python -m kedai.sandbox``). Simulators keep their state in
memory: they are fakes of someone else's server, not part of the shop.
"""
