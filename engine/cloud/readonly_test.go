package cloud

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// A read-only session's AWS clients refuse a change before it leaves the
// machine, and still send reads.
func TestReadOnlyRefusesChangesBeforeSending(t *testing.T) {
	var sent atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sent.Add(1)
		w.Header().Set("Content-Type", "text/xml")
		w.Write([]byte(`<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><vpcSet/></DescribeVpcsResponse>`))
	}))
	defer srv.Close()
	c := FromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""), RetryMaxAttempts: 1})
	ctx := WithReadOnly(context.Background())

	_, err := c.EC2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	var ro *ReadOnlyError
	if !errors.As(err, &ro) || ro.Operation != "CreateVpc" {
		t.Fatalf("CreateVpc in a read-only session: %v, want a ReadOnlyError", err)
	}
	if n := sent.Load(); n != 0 {
		t.Errorf("the refused change still sent %d request(s)", n)
	}
	if _, err := c.EC2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); err != nil {
		t.Fatalf("a read in a read-only session: %v", err)
	}
	if n := sent.Load(); n != 1 {
		t.Errorf("the read sent %d requests, want 1", n)
	}
	if _, err := c.EC2.CreateVpc(context.Background(), &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")}); errors.As(err, &ro) {
		t.Errorf("a session that isn't read-only was refused: %v", err)
	}
}

func TestReadOpNames(t *testing.T) {
	for op, want := range map[string]bool{
		"DescribeServices": true, "ListTagsForResource": true, "GetMetricData": true, "FilterLogEvents": true,
		"StartLiveTail": true, "Query": true, "BatchGetItem": true,
		"RunTask": false, "UpdateService": false, "PutItem": false, "StopTask": false, "DeleteStack": false, "TagResource": false,
	} {
		if ReadOp(op) != want {
			t.Errorf("ReadOp(%s) = %v, want %v", op, !want, want)
		}
	}
}
