# Import a key by its id (a UUID, shown in the Domain Trust dashboard and by the
# domaintrust_api_keys data source). Domain Trust never shows a key's secret
# value again after creation, so `key` stays null for an imported key.
terraform import domaintrust_api_key.ci 0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70

# Into one instance of a resource with for_each, such as the per-environment
# example above (quote the address for the shell):
terraform import 'domaintrust_api_key.ci["production"]' 0b8f3c5e-7a2d-4c19-9e61-3d5f2a8b9c70
