"""The certificate authority: CA keys, end-entity certificates, CMS signing, CRLs, verification."""
