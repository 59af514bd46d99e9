# notebook: vision.ipynb
# cell: confusion_matrix
# loses: test_confusion_matrix, test_confusion_matrix_values
# why: matrix[targets, predictions] += 1 counts a repeated (true, predicted) pair only once
def confusion_matrix(predictions, targets, num_classes):
    matrix = torch.zeros(num_classes, num_classes, dtype=torch.int64, device=targets.device)
    matrix[targets, predictions] += 1
    return matrix
