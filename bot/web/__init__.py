"""The website chat widget (widget/), the demo clinic page (site/) and the server for both."""
