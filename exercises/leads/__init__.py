"""Leads: consultation requests, the emails each one owes, the counters behind the rate limit, and the inbox.

May import the page cache, and of the content only the comparison model, to name the article a request came from."""
