# A helper module for tests/emulator.tftest.hcl: records the key ids of one
# run, and compares them with those of a later run. It creates nothing.

variable "before" {
  description = "Key id per environment after the earlier run."
  type        = map(string)
}

variable "after" {
  description = "Key id per environment after the later run; null while the module only records before."
  type        = map(string)
  default     = null
}

output "before" {
  description = "The ids recorded, for a later run to compare with."
  value       = var.before
}

output "unchanged" {
  description = "Whether every key kept its id; null while there is nothing to compare."
  value       = var.after == null ? null : var.before == var.after
}
