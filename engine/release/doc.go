// Package release is the book's Build and Release APIs: a build turns a
// process's source into an image tagged with the build's id, pushed to the
// app's registry, its log kept in the app's bucket and its record in the
// app's table; a release is the set of images and settings that run, by
// number, so any earlier one can be started again.
//
// Records are plain DynamoDB items (pk "build" or "release", sk the id or
// the zero-padded number, the record as JSON under "record"), so the AWS
// console and `aws dynamodb query` show them without mvi.
package release
