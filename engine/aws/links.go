package aws

import (
	"fmt"

	"github.com/minimalinfra/mvi/engine/resource"
)

// console is a page of the regional AWS console.
func console(s resource.Site, path string) string {
	return fmt.Sprintf("https://%s.console.aws.amazon.com/%s", s.Region, path)
}

// regionFlag makes an aws CLI command look in the app's region.
func regionFlag(s resource.Site) string { return "--region " + s.Region }
