output "key_ids" {
  description = "Key id per environment. Ids are not secret."
  value       = { for env, k in domaintrust_api_key.quickstart : env => k.id }
}

output "key_expirations" {
  description = "When each key stops working."
  value       = { for env, k in domaintrust_api_key.quickstart : env => k.expiration }
}

output "keys" {
  description = "The secret key values per environment. Read one with: terraform output -json keys"
  value       = { for env, k in domaintrust_api_key.quickstart : env => k.key }
  sensitive   = true
}
