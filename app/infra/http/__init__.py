"""HTTP adapters: the sync server client, the Statuspage client, the reachability probe."""
