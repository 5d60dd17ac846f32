"""Leads: consultation requests, the emails each one owes, the counters behind the rate limit, and the inbox."""
