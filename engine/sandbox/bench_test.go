package sandbox

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// BenchmarkDescribe is a read: lock, generation check, advance, answer.
func BenchmarkDescribe(b *testing.B) {
	s := openSB(b, Options{})
	c := s.Clients()
	n := buildNetwork(b, c, "bench")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		must(c.EC2.DescribeSubnets(bg, &ec2.DescribeSubnetsInput{SubnetIds: n.subnets}))
	}
}

// BenchmarkMutate is a write: the whole state saved atomically (fsync).
func BenchmarkMutate(b *testing.B) {
	s := openSB(b, Options{})
	c := s.Clients()
	n := buildNetwork(b, c, "bench")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		must(c.EC2.CreateTags(bg, &ec2.CreateTagsInput{Resources: []string{n.vpc}, Tags: tagSpec("vpc", "k", "v")[0].Tags}))
	}
}
