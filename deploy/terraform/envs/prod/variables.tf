variable "project_id" {
  type        = string
  description = "Google Cloud project of the production cluster."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a valid Google Cloud project id."
  }
}

variable "region" {
  type        = string
  description = "Region of the production cluster."
  default     = "europe-west1"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.region))
    error_message = "region must be a Google Cloud region such as europe-west1."
  }
}

variable "cluster_name" {
  type        = string
  description = "Name of the GKE cluster."
  default     = "millwright-prod"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,22}$", var.cluster_name))
    error_message = "cluster_name must be 3-23 lower-case letters, digits and hyphens."
  }
}

variable "api_allowed_cidrs" {
  type        = list(string)
  description = "CIDRs allowed to reach the Kubernetes API (the office and the CI runners' egress)."

  validation {
    condition     = length(var.api_allowed_cidrs) > 0 && !contains(var.api_allowed_cidrs, "0.0.0.0/0")
    error_message = "api_allowed_cidrs must list specific networks, not 0.0.0.0/0."
  }
}

variable "owner" {
  type        = string
  description = "Team accountable for the resources (the owner label)."
  default     = "mlops"

  validation {
    condition     = can(regex("^[a-z0-9_-]{1,63}$", var.owner))
    error_message = "owner must be a valid GCP label value (lower-case, digits, _ and -)."
  }
}
