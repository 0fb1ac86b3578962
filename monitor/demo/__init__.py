"""The demo: a simulated school network on 127.0.0.1, served over real SNMP (and SSH) and polled like a real one.

One module per job:

- :mod:`monitor.demo.traffic`: the traffic model (day and week shapes, noise, port models and their counters);
- :mod:`monitor.demo.catalogue`: the real switch models the school is made of and their port layouts;
- :mod:`monitor.demo.school`: the school: its switches, buildings, port aliases and traffic flows, the controller;
- :mod:`monitor.demo.wireless`: the wireless controller's APs, SSIDs and clients;
- :mod:`monitor.demo.ssh`: LLDP neighbours, and the SSH command lines of the devices CampusNet can configure;
- :mod:`monitor.demo.network`: :class:`~monitor.demo.network.DemoNetwork`, the school on one SNMP agent, registered
  in a store;
- :mod:`monitor.demo.backfill`: days of synthetic history, so the graphs show something from the first minute;
- :mod:`monitor.demo.runtime`: running it headless, or serving it from another process;
- :mod:`monitor.demo.__main__`: ``python -m monitor.demo --serve``.

API (the CLI's ``main.py demo`` and the GUI build on these)::

    net = DemoNetwork(speed=60.0)              # fast-forward: one simulated minute per real second
    net = DemoNetwork(speed=60.0, wireless=True)   # the same with the wireless controller
    port = await net.start_async()             # on a running loop (e.g. CoreLoop.submit(net.start_async()))
    net.ensure_store(default_demo_db())        # a separate demo store: one device per simulated switch
    ...                                        # poll it (the poller marks the "Uplink to ..." ports)
    await net.stop_async()                     # the port is free again

    net.start(); ...; net.stop()               # the same from synchronous code (the agent gets its own CoreLoop)

    backfill(db_path, days=7)                  # a week of history (monitor.demo.backfill)
    run_demo_headless(db_path, speed, interval, stop_event)   # agent + store + Poller until stop_event is set
"""
