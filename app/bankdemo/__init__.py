"""Demo bank sites (발급기관): stage 1 of issuance, with each bank's own customer records."""
