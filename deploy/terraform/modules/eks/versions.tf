terraform {
  required_version = ">= 1.10.0, < 2.0.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # terraform-aws-modules/eks 20.x needs >= 5.95 and < 6.0.
      version = "~> 5.95"
    }
  }
}
