"""Command-line interface: `encaisse` commands that span several domain apps (reports, the
demo company). Like `web` and `api`, an interface: it calls services and selectors, and no
domain app imports it. Commands that serve one app stay in that app's `management/`."""
