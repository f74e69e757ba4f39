"""Directory sync: people and groups provisioned by the organization's identity provider
over SCIM 2.0 (RFC 7643 / 7644). See docs/directory-sync.md."""
