terraform {
  required_version = ">= 1.10.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.95"
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

  # Remote state in S3 with S3-native locking (Terraform >= 1.10, no DynamoDB table). The bucket
  # is created once by hand (versioned, encrypted, public access blocked); see ../../README.md.
  backend "s3" {
    bucket       = "millwright-tfstate"
    key          = "envs/test/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}
