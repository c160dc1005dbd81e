variable "project_id" {
  type        = string
  description = "Google Cloud project that holds the cluster."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a valid Google Cloud project id."
  }
}

variable "name" {
  type        = string
  description = "Cluster name; also prefixes the network, subnetwork, node pool and node service account."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,22}$", var.name))
    error_message = "name must be 3-23 characters: lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "region" {
  type        = string
  description = "Region of the (regional, three-zone) cluster, e.g. europe-west1."

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.region))
    error_message = "region must look like europe-west1."
  }
}

variable "subnet_cidr" {
  type        = string
  description = "Primary range of the nodes' subnetwork."
  default     = "10.50.0.0/20"

  validation {
    condition     = can(cidrhost(var.subnet_cidr, 0))
    error_message = "subnet_cidr must be a valid IPv4 CIDR."
  }
}

variable "pods_cidr" {
  type        = string
  description = "Secondary range for pod IPs (VPC-native cluster)."
  default     = "10.52.0.0/14"

  validation {
    condition     = can(cidrhost(var.pods_cidr, 0))
    error_message = "pods_cidr must be a valid IPv4 CIDR."
  }
}

variable "services_cidr" {
  type        = string
  description = "Secondary range for Service IPs."
  default     = "10.56.0.0/20"

  validation {
    condition     = can(cidrhost(var.services_cidr, 0))
    error_message = "services_cidr must be a valid IPv4 CIDR."
  }
}

variable "release_channel" {
  type        = string
  description = "GKE release channel that picks and upgrades the Kubernetes version."
  default     = "REGULAR"

  validation {
    condition     = contains(["RAPID", "REGULAR", "STABLE"], var.release_channel)
    error_message = "release_channel must be RAPID, REGULAR or STABLE."
  }
}

variable "api_allowed_cidrs" {
  type        = list(string)
  description = "CIDRs allowed to reach the Kubernetes API (master authorized networks)."

  validation {
    condition     = length(var.api_allowed_cidrs) > 0 && alltrue([for c in var.api_allowed_cidrs : can(cidrhost(c, 0))])
    error_message = "api_allowed_cidrs must hold at least one valid CIDR."
  }
}

variable "machine_type" {
  type        = string
  description = "Machine type of the node pool."
  default     = "e2-standard-4"
}

variable "node_min_count" {
  type        = number
  description = "Minimum nodes per zone."
  default     = 1

  validation {
    condition     = var.node_min_count >= 1 && floor(var.node_min_count) == var.node_min_count
    error_message = "node_min_count must be a whole number >= 1."
  }
}

variable "node_max_count" {
  type        = number
  description = "Maximum nodes per zone."
  default     = 3

  validation {
    condition     = var.node_max_count >= var.node_min_count
    error_message = "node_max_count must be >= node_min_count."
  }
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse terraform destroy of the cluster (keep true in prod)."
  default     = true
}

variable "labels" {
  type        = map(string)
  description = "Labels for every labellable resource (cluster, node VMs)."

  validation {
    condition     = contains(keys(var.labels), "environment") && alltrue([for k, v in var.labels : can(regex("^[a-z][a-z0-9_-]{0,62}$", k)) && can(regex("^[a-z0-9_-]{0,63}$", v))])
    error_message = "labels must include environment, and keys/values must be lower-case GCP label syntax."
  }
}
