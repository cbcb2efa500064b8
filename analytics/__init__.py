"""Analytics: SQL over the event store (written once), pm4py on small aggregated inputs."""
