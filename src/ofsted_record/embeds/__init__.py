"""Embeddable chart pages: ``ofsted-record embeds``."""
