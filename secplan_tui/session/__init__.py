"""One session being answered (the controller both front ends drive) and answers files in and out."""
