"""The SCIM 2.0 HTTP interface of directory sync (RFC 7644), on the organization's host."""
