// Package ident validates and generates the identifiers sihub handles:
//
//   - 公民身份号码 citizen ID (GB 11643-1999), which is also the social
//     security number (社会保障号码), and the documents that share its
//     layout: 港澳台居民居住证 residence permits (areas 810000, 820000,
//     830000) and the 2023 外国人永久居留身份证 foreigner permanent
//     residence ID (leading 9); the 15-character foreigner ID of before
//     2023 is accepted by PersonID;
//   - 统一社会信用代码 unified social credit code (GB 32100-2015) with the
//     embedded 组织机构代码 organisation code (GB 11714).
//
// Validation is structural: length, alphabet, area code shape (a known
// province prefix), a real calendar date, and the check character. It
// cannot tell whether a number was ever issued. Functions never read the
// clock; CitizenIDAt also rejects birth dates after a given day.
//
// Errors are *Error values with a Chinese and an English message naming
// what is wrong (length, the character and its position, the expected and
// the actual check character, the date); their Kind is one of the ErrXxx
// sentinels, so errors.Is works.
//
// Generators (NewCitizenID, NewForeignerID, NewCreditCode) make synthetic
// valid numbers for seed data and tests; every number they return passes
// the matching validator.
package ident
