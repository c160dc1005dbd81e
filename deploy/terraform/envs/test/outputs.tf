output "cluster_name" {
  description = "EKS cluster name."
  value       = module.cluster.cluster_name
}

output "cluster_endpoint" {
  description = "Kubernetes API endpoint of the test cluster."
  value       = module.cluster.cluster_endpoint
}

output "kubeconfig" {
  description = "kubeconfig for the test cluster: terraform output -raw kubeconfig > ~/.kube/millwright-test"
  value       = module.cluster.kubeconfig
}

output "argocd_namespace" {
  description = "Namespace of Argo CD on the test cluster."
  value       = module.argocd.namespace
}
