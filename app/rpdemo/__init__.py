"""A demo relying party (이용기관): login and a transfer signed with 금융인증서."""
