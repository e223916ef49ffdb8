package cloud

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
)

// ServiceDiscovery is Cloud Map: the namespace ECS Service Connect keeps
// an app's names in. ECS makes and removes the services and instances in
// it; mvi makes the namespace, and on down clears what ECS left behind.
type ServiceDiscovery interface {
	CreateHttpNamespace(ctx context.Context, in *servicediscovery.CreateHttpNamespaceInput, opts ...func(*servicediscovery.Options)) (*servicediscovery.CreateHttpNamespaceOutput, error)
	GetOperation(ctx context.Context, in *servicediscovery.GetOperationInput, opts ...func(*servicediscovery.Options)) (*servicediscovery.GetOperationOutput, error)
	GetNamespace(ctx context.Context, in *servicediscovery.GetNamespaceInput, opts ...func(*servicediscovery.Options)) (*servicediscovery.GetNamespaceOutput, error)
	ListNamespaces(ctx context.Context, in *servicediscovery.ListNamespacesInput, opts ...func(*servicediscovery.Options)) (*servicediscovery.ListNamespacesOutput, error)
	DeleteNamespace(ctx context.Context, in *servicediscovery.DeleteNamespaceInput, opts ...func(*servicediscovery.Options)) (*servicediscovery.DeleteNamespaceOutput, error)
	ListServices(ctx context.Context, in *servicediscovery.ListServicesInput, opts ...func(*servicediscovery.Options)) (*servicediscovery.ListServicesOutput, error)
	DeleteService(ctx context.Context, in *servicediscovery.DeleteServiceInput, opts ...func(*servicediscovery.Options)) (*servicediscovery.DeleteServiceOutput, error)
	ListTagsForResource(ctx context.Context, in *servicediscovery.ListTagsForResourceInput, opts ...func(*servicediscovery.Options)) (*servicediscovery.ListTagsForResourceOutput, error)
	TagResource(ctx context.Context, in *servicediscovery.TagResourceInput, opts ...func(*servicediscovery.Options)) (*servicediscovery.TagResourceOutput, error)
}

var _ ServiceDiscovery = (*servicediscovery.Client)(nil)
