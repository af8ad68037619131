"""Registration authority: banks' API keys and issuance orders (참조번호 + 인가코드)."""
