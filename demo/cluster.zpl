#   zrun cluster file (ZPL: 4 spaces per indent level, "name = value", # comments).
#   A gateway (id 0) and seven peer nodes on one machine. For several machines, give each
#   node the host it runs on; every process reads the same file.
cluster
    log_dir = logs                  # one file per actor: node-<id>-<actor>.log
    log_level = info                # debug | info | warn | error | off
    base_interval_ms = 100          # heartbeat/gossip period; timings below derive from it
#   fail_after_ms = 1000            # default 10 x base: no heartbeat this long -> SERVER FAILED
#   cleanup_after_ms = 2000         # default 2 x fail_after_ms: forget a failed node
#   election_final_wait_ms = 50     # default base / 2 (min 20): ZooKeeper's finalizeWait
#   election_max_backoff_ms = 1000  # default 10 x base: cap of the resend back-off
#   election_startup_wait_ms = 3000 # default 30 x base: the first election waits this long to
                                    # hear every voter, so the highest id leads (0: off)
    queue_deadline_ms = 60000       # gateway: how long a request waits for a leader (then 503)
    body_limit = 1048576            # largest accepted Java source, bytes (413 above)
    keys_dir = demo/keys            # members only: make them once with
                                    #   zrun keygen demo/keys --config demo/cluster.zpl
#   insecure = 1                    # run without keys (no CURVE, unsigned datagrams): loudly logged
#   tokens_file = demo/tokens       # the gateway wants Authorization: Bearer <a line of the file>
#   max_pending = 1024              # gateway: jobs held at once (503 + Retry-After above)
#   max_in_flight_per_client = 32   # jobs one client address may have in flight (429 above)
#   max_connections_per_client = 64 # open HTTP connections per client address
#   header_timeout_ms = 5000        # a connection must send its request headers within this
#   retry_after_s = 1               # Retry-After of 429 and 503
runner
    jvms = 2                        # warm JVMs per worker, running jobs
    spare_jvms = 1                  # warm JVMs more, idle: a killed one is replaced at once
    wall_ms = 10000                 # time limit of one job
    heap_mb = 256                   # -Xmx of each JVM
    output_limit = 1048576          # bytes a job may print
    max_threads = 32                # threads a job may start
    jobs_per_jvm = 5000             # recycle a JVM after this many jobs
    c1_only = 1                     # JIT with C1 only (0: tiered, C2 too: for long compute jobs)
    idle_warm_up_jobs = 1500        # warm-up jobs a ready JVM runs on idle CPU until its first job (as root)
nodes                               # name = node id; tcp port = udp_port + 2
    0
        role = gateway
        host = 127.0.0.1
        udp_port = 8000
        http_port = 8888
    1
        host = 127.0.0.1
        udp_port = 8010
        http_port = 8013
    2
        host = 127.0.0.1
        udp_port = 8020
        http_port = 8023
    3
        host = 127.0.0.1
        udp_port = 8030
        http_port = 8033
    4
        host = 127.0.0.1
        udp_port = 8040
        http_port = 8043
    5
        host = 127.0.0.1
        udp_port = 8050
        http_port = 8053
    6
        host = 127.0.0.1
        udp_port = 8060
        http_port = 8063
    7
        host = 127.0.0.1
        udp_port = 8070
        http_port = 8073
