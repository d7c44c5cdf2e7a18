pytest_plugins = ["campaign_portal.testing"]
