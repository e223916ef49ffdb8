package aws

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/minimalinfra/mvi/engine/resource"
)

// generatedValue reads a value mvi generated and keeps in the SSM
// SecureString param (a logical id among id's dependencies): a database's
// password, a Redis's AUTH token. It goes to the service that needs it and
// nowhere else; errors name the parameter, never the value.
func generatedValue(ctx context.Context, env resource.Env, id, param, what string) (string, error) {
	name, err := depAttr(env, id, param, "name")
	if err != nil {
		return "", err
	}
	res, err := env.Clients.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(true)})
	if err != nil {
		return "", wrap("read the "+what+" of", id, err)
	}
	v := str(res.Parameter.Value)
	if v == "" {
		return "", fmt.Errorf("create %s: the %s parameter %s is empty", id, what, name)
	}
	return v, nil
}
