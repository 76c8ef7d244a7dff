# An admin can list another user's keys (of the same organization), at most
# 20 of them, including those minted by dashboard or CLI logins.
list "domaintrust_api_key" "contractor" {
  provider = domaintrust
  limit    = 20

  config {
    user_id                = "5d0c9a17-2b3e-4f48-9a6d-7e1f2c3b4a59"
    include_auto_generated = true
  }
}
