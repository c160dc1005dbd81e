terraform {
  required_version = ">= 1.10.0, < 2.0.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.30"
    }
    helm = {
      source  = "hashicorp/helm"
      version = "~> 2.17"
    }
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 2.36"
    }
  }

  # Remote state in a GCS bucket (versioned, uniform access; locking is built in). Created once by
  # hand; see ../../README.md.
  backend "gcs" {
    bucket = "millwright-tfstate-prod"
    prefix = "envs/prod"
  }
}
