output "cluster_name" {
  description = "GKE cluster name."
  value       = module.cluster.cluster_name
}

output "cluster_endpoint" {
  description = "Kubernetes API endpoint of the production cluster."
  value       = module.cluster.cluster_endpoint
}

output "kubeconfig" {
  description = "kubeconfig for the production cluster: terraform output -raw kubeconfig > ~/.kube/millwright-prod"
  value       = module.cluster.kubeconfig
}

output "argocd_namespace" {
  description = "Namespace of Argo CD on the production cluster."
  value       = module.argocd.namespace
}
