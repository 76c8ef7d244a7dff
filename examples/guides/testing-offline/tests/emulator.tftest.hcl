# Runs against a live API: the emulator (or a test account), reached through
# DOMAINTRUST_ENDPOINT and DOMAINTRUST_API_KEY. Terraform creates real keys
# there, and destroys them when the file's runs are done, also after a
# failed assertion.

variables {
  service      = "terraform test"
  environments = ["testing", "production"]
}

run "one_key_per_environment" {
  assert {
    condition     = length(output.key_ids) == 2
    error_message = "Expected one key per environment, got ${length(output.key_ids)}."
  }

  assert {
    condition     = alltrue([for k in domaintrust_api_key.this : k.key != null])
    error_message = "A created key has no secret value."
  }

  # With rotation, the API key expires one period after its creation. The
  # provider sets the expiry as it sends the create and Domain Trust stamps
  # the creation as it receives it, so the two may lie a second apart.
  assert {
    condition = alltrue([for k in domaintrust_api_key.this :
      timecmp(k.expiration, timeadd(k.created, "2159h59m59s")) >= 0 &&
      timecmp(k.expiration, timeadd(k.created, "2160h1s")) <= 0
    ])
    error_message = "A key does not expire 90 days after its creation."
  }
}

# A new description updates the keys in place: same ids, so nothing that
# holds the values needs a new one.
run "renaming_keeps_the_keys" {
  variables {
    service = "terraform test, renamed"
  }

  assert {
    condition     = output.key_ids == run.one_key_per_environment.key_ids
    error_message = "Changing the description replaced a key."
  }

  assert {
    condition     = domaintrust_api_key.this["production"].description == "terraform test, renamed (production)"
    error_message = "The description was not updated."
  }
}
