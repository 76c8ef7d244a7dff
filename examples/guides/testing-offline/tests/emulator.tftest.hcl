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

# Records the ids in the helper module's own state. tofu test lets a run
# refer only to the latest apply of each state (the configuration's, and each
# helper module's); once the next run applies the configuration again,
# run.one_key_per_environment is gone there, but run.ids_before_renaming
# stays. terraform test keeps every run; the same files work with both.
run "ids_before_renaming" {
  module {
    source = "./tests/compare-ids"
  }

  variables {
    before = run.one_key_per_environment.key_ids
  }
}

# A new description updates the keys in place.
run "renaming_keeps_the_keys" {
  variables {
    service = "terraform test, renamed"
  }

  assert {
    condition     = domaintrust_api_key.this["production"].description == "terraform test, renamed (production)"
    error_message = "The description was not updated."
  }
}

# Same ids as before, so nothing that holds the values needs a new one. The
# comparison runs in the helper module: both terraform test and tofu test
# pass an earlier run's outputs to a run's variables, but tofu test does not
# let an assertion refer to them.
run "renaming_kept_the_key_ids" {
  command = plan

  module {
    source = "./tests/compare-ids"
  }

  variables {
    before = run.ids_before_renaming.before
    after  = run.renaming_keeps_the_keys.key_ids
  }

  assert {
    condition     = output.unchanged
    error_message = "Changing the description replaced a key."
  }
}
