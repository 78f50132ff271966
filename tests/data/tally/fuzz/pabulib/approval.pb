META
key;value
description;"A test; with a semicolon"
budget;1000,50
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;votes;name;category;selected
1;500,25;3;"Park ""Zielony""; phase 2";none;1
2;400;2;"Two
lines";roads;0
3;100;0;Plain;None;0

VOTES
voter_id;vote;age;sex
a;1,2;30;F
b;2,1;40;M
c;1;50;
d;;20;F
