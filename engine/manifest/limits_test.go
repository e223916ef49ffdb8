package manifest

import (
	"errors"
	"strings"
	"testing"
)

// What validate accepted and up then failed on: a made-up region, a build
// outside the app, env names mvi or AWS set — each now named at its place.
func TestWhatWouldFailLateIsRefusedEarly(t *testing.T) {
	src := "name = \"x\"\nregion = \"xx-fake-9\"\n[processes.web]\nbuild = \"../../../../etc\"\nport = 80\n" +
		"[processes.web.env]\nAWS_REGION = \"x\"\nDATABASE_HOST = \"y\"\n[database]\n"
	_, err := Parse("mvi.toml", []byte(src))
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("parse: %v", err)
	}
	got := map[string]string{}
	for _, e := range errs {
		got[e.Path] = e.Msg + " | " + e.Fix
	}
	for path, want := range map[string]string{
		"region":                          "is not an AWS region",
		"processes.web.build":             "outside the app's directory",
		"processes.web.env.AWS_REGION":    "belong to the AWS SDKs",
		"processes.web.env.DATABASE_HOST": "${database.host}",
	} {
		if !strings.Contains(got[path], want) {
			t.Errorf("%s: %q, want %q", path, got[path], want)
		}
	}
	for _, ok := range []string{"us-east-1", "eu-central-2", "cn-north-1", "us-gov-west-1", "ap-southeast-7"} {
		if _, err := Parse("mvi.toml", []byte("name = \"x\"\nregion = \""+ok+"\"\n[processes.web]\nimage = \"httpd\"\n")); err != nil {
			t.Errorf("region %s refused: %v", ok, err)
		}
	}
}
