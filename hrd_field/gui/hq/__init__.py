"""The HQ workspace's views."""
